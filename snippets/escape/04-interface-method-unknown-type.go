package main

type foo interface {
	func1()
}

type myType struct{}

func (m myType) func1() {}

func call(f foo) { // leaking param: f
	f.func1()
}

func main() {
	call(myType{}) // myType{} escapes to heap
}
