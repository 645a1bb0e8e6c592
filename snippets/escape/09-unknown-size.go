package main

func func1() {
	l := 1
	s := make([]int, l) // make([]int, l) escapes to heap (go1.21–1.24); make([]int, 1) does not escape (go1.25+)
	_ = s
}
