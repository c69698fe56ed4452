package e2e_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeImports are the packages README's snippets use; each snippet is
// checked as a file of its own that imports them all.
var readmeImports = []string{
	"context", "errors", "fmt", "log", "net/http", "testing", "time",
	"github.com/jarcoal/httpmock",
	"github.com/listenerkit/listenerkit-go/bmlb",
	"github.com/listenerkit/listenerkit-go/ga",
	"github.com/listenerkit/listenerkit-go/ga/gatest",
	"github.com/listenerkit/listenerkit-go/signing",
}

// Every Go snippet in README compiles: each is type-checked as a file of
// top-level declarations against the module's real packages.
func TestReadmeSnippetsCompile(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 6 {
		t.Fatalf("found %d Go snippets in README, expected the usual ones", len(blocks))
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "source", nil)
	for i, b := range blocks {
		var src strings.Builder
		src.WriteString("package snippet\n\nimport (\n")
		for _, p := range readmeImports {
			src.WriteString("\t\"" + p + "\"\n")
		}
		src.WriteString(")\n\n")
		for _, p := range readmeImports {
			name := p[strings.LastIndex(p, "/")+1:]
			use := map[string]string{"context": "context.Background", "errors": "errors.New", "fmt": "fmt.Sprint", "log": "log.Println",
				"http": "http.StatusOK", "testing": "testing.Short", "time": "time.Second", "httpmock": "httpmock.NewMockTransport",
				"bmlb": "bmlb.NewClient", "ga": "ga.NewClient", "gatest": "gatest.NewServer", "signing": "signing.NewStaticCredentials"}[name]
			src.WriteString("var _ = " + use + "\n")
		}
		src.WriteString(b[1])
		f, err := parser.ParseFile(fset, "snippet.go", src.String(), 0)
		if err != nil {
			t.Errorf("README snippet %d does not parse: %v\n%s", i+1, err, b[1])
			continue
		}
		conf := types.Config{Importer: imp}
		if _, err := conf.Check("snippet", fset, []*ast.File{f}, nil); err != nil {
			t.Errorf("README snippet %d does not compile: %v\n%s", i+1, err, b[1])
		}
	}
}
