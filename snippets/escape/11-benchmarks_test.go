package main

import "testing"

// Package-level sinks: what a benchmark stores here cannot be optimized away.
var (
	sinkPtr  *int
	sinkFunc func()
	sinkAny  interface{}
	sinkInt  int
)

// Like -l in the article's command: no inlining, every call runs the function as written.
//
//go:noinline
func returnPointer() *int {
	num := 0 // moved to heap: num
	return &num
}

//go:noinline
func closure() func() {
	i := 1 // moved to heap: i
	return func() {
		i++
	} // func literal escapes to heap
}

//go:noinline
func box(v int) interface{} {
	return v // v escapes to heap
}

//go:noinline
func boxArray(v [16]int) interface{} {
	return v // v escapes to heap
}

//go:noinline
func makeSlice(n int) int {
	s := make([]int, n) // make([]int, n) escapes to heap (go1.21–1.24); make([]int, n) does not escape (go1.25+)
	for i := range s {
		s[i] = i
	}
	return len(s)
}

// Variables, not constants: the compiler cannot know their values.
var small, big, four, five = 7, 1000, 4, 5

func BenchmarkReturnPointer(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkPtr = returnPointer()
	}
}

func BenchmarkClosure(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkFunc = closure()
	}
}

func BenchmarkBoxSmallInt(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkAny = box(small)
	}
}

func BenchmarkBoxBigInt(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkAny = box(big)
	}
}

func BenchmarkBoxArray(b *testing.B) {
	array := [16]int{1}
	for i := 0; i < b.N; i++ {
		sinkAny = boxArray(array)
	}
}

func BenchmarkMakeLen4(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkInt = makeSlice(four)
	}
}

func BenchmarkMakeLen5(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkInt = makeSlice(five)
	}
}
