package main

type foo interface {
	func1()
}

type myType struct{}

func (m myType) func1() {}

func main() {
	var iFoo foo
	iFoo = myType{} // myType{} escapes to heap (go1.21–1.25); myType{} does not escape (go1.26+)
	iFoo.func1()    // devirtualizing iFoo.func1 to myType (go1.26+)
}
