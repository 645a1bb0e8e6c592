package main

func func1(n int) {
	s := make([]int, n) // make([]int, n) escapes to heap (go1.21–1.24); make([]int, n) does not escape (go1.25+)
	_ = s
}

func func2(n int) []int {
	s := make([]int, n) // make([]int, n) escapes to heap
	return s
}
