package main

import "testing"

func TestGreeting(t *testing.T) {
	cases := map[string]string{
		"":    "Hello, world, from Kiln's go example!",
		"Ada": "Hello, Ada, from Kiln's go example!",
	}
	for name, want := range cases {
		if got := greeting(name); got != want {
			t.Errorf("greeting(%q) = %q, want %q", name, got, want)
		}
	}
}
