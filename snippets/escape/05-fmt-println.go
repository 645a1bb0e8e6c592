package main

import "fmt"

func main() {
	s := "Escape"  // s escapes to heap (go1.21–1.24); "Escape" escapes to heap (go1.25+)
	fmt.Println(s) // ... argument does not escape
}
