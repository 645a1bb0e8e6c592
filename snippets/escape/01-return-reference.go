package main

func Func1() *int {
	num := 0 // moved to heap: num
	return &num
}

func Func2() []int {
	s := []int{0} // []int{...} escapes to heap
	return s
}
func Func3() map[string]string {
	m := make(map[string]string) // make(map[string]string) escapes to heap
	m["key"] = "value"
	return m
}

func Func5() interface{} {
	return 0 // 0 escapes to heap
}
func Func6() func() {
	return func() {} // func literal escapes to heap
}
func Func7() func() {
	i := 1 // moved to heap: i
	return func() {
		i++
	} // func literal escapes to heap
}
