package main

func func1() {
	s := make([]int, 8192) // make([]int, 8192) does not escape
	_ = s
	t := make([]int, 8193) // make([]int, 8193) escapes to heap
	_ = t
	var a [16384]int
	_ = a
	var b [16385]int // moved to heap: b (go1.24+)
	_ = b
}
