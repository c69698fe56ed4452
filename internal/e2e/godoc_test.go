package e2e_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// go doc shows every type a user handles with its fields: no exported
// type of a public package is an alias (go doc prints an alias of an
// internal type as one line, without fields or methods).
func TestPublicTypesAreNotAliases(t *testing.T) {
	for _, dir := range []string{"../../ga", "../../bmlb", "../../ga/gatest", "../../bmlb/bmlbtest", "../../signing"} {
		fset := token.NewFileSet()
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, dir+"/"+e.Name(), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.TYPE {
					continue
				}
				for _, spec := range g.Specs {
					ts := spec.(*ast.TypeSpec)
					if ts.Name.IsExported() && ts.Assign.IsValid() {
						t.Errorf("%s: type %s is an alias; declare it with its fields", fset.Position(ts.Pos()), ts.Name)
					}
				}
			}
		}
	}
}
