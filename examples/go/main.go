// Command hello prints a greeting; built by examples/go/pipeline.pkl.
package main

import (
	"fmt"
	"os"
)

// greeting is the line hello prints for name; an empty name greets the world.
func greeting(name string) string {
	if name == "" {
		name = "world"
	}
	return fmt.Sprintf("Hello, %s, from Kiln's go example!", name)
}

func main() {
	name := ""
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	fmt.Println(greeting(name))
}
