package main

func func1() {
	s := make([]int, 10240) // make([]int, 10240) escapes to heap
	_ = s
}
