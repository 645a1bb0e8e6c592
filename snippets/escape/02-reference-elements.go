package main

func main() {
	a := make([]*int, 1)
	num := 1 // moved to heap: num
	a[0] = &num

	b := make(map[*string]*string)
	key := "key"     // moved to heap: key
	value := "value" // moved to heap: value
	b[&key] = &value

	c := make(chan *int)
	n := 2 // moved to heap: n
	c <- &n

	d := make(map[interface{}]interface{})
	d["key"] = "value" // "key" escapes to heap; "value" escapes to heap

	e := make(chan func())
	e <- func() {} // func literal escapes to heap

	f := make(chan interface{})
	f <- 100 // 100 escapes to heap

	g := make(chan []int)
	g <- make([]int, 1) // make([]int, 1) escapes to heap

	h := make(chan map[string]string)
	h <- map[string]string{} // map[string]string{} escapes to heap

	item := &struct {
		name *string
		age  *int
	}{}

	hello := "hello"
	item.name = &hello
}
