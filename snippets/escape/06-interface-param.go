package main

func main() {
	str := "hello"
	Func1(str) // str does not escape (go1.21–1.24); "hello" does not escape (go1.25+)
}

func Func1(a interface{}) { // a does not escape
}
