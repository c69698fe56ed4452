package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The committed files are what the templates make: a change to one
// provider's copy alone fails here.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	files, err := render()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 {
		t.Fatalf("%d files, want 4", len(files))
	}
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join("..", "..", path))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s is not what internal/gen makes: run go generate ./...", path)
		}
	}
}
