// gen-sdk generates the TypeScript and Go SDKs of a Pulumi package from its schema file, the way
// `pulumi package add` does, without the language hosts that command delegates to.
//
// Why: `pulumi package add` calls the project's language host (GenSDK in pkg/cmd/pulumi/packages/packages.go),
// and the Go module proxy serves neither pulumi-language-nodejs nor pulumi-language-go (403). Those hosts call
// the same generators this tool calls: codegen/nodejs.GeneratePackage and codegen/go.GeneratePackage, with
// SupportPack on and, for Node.js, a local SDK (what `package add` asks for: it sets pkg.SupportPack = true and
// local = true in InstallPackage).
//
//	gen-sdk -schema schema.json -out DIR     writes DIR/nodejs and DIR/go
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi" // the name generated files credit, as `pulumi package add` does

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON)")
	out := flag.String("out", "", "the folder to write <language>/ SDKs into")
	flag.Parse()
	if *schemaPath == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: gen-sdk -schema schema.json -out DIR")
		os.Exit(2)
	}
	if err := run(*schemaPath, *out); err != nil {
		fmt.Fprintf(os.Stderr, "gen-sdk: %v\n", err)
		os.Exit(1)
	}
}

// bind reads and binds the schema afresh: each generator imports its language's options into the package.
func bind(schemaPath string) (*schema.Package, schema.ReferenceLoader, error) {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return nil, nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	// Our schema references no other package, so a loader that never loads is enough (and proves it).
	loader := schema.NewPluginLoader(nil)
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return nil, nil, err
	}
	if diags.HasErrors() {
		return nil, nil, diags
	}
	pkg.SupportPack = true
	return pkg, loader, nil
}

func run(schemaPath, out string) error {
	generators := map[string]func(*schema.Package, schema.ReferenceLoader) (map[string][]byte, error){
		"nodejs": func(pkg *schema.Package, loader schema.ReferenceLoader) (map[string][]byte, error) {
			return nodejs.GeneratePackage(tool, pkg, nil, nil, true, loader)
		},
		"go": func(pkg *schema.Package, _ schema.ReferenceLoader) (map[string][]byte, error) {
			return gogen.GeneratePackage(tool, pkg, nil)
		},
	}
	for _, language := range []string{"nodejs", "go"} {
		pkg, loader, err := bind(schemaPath)
		if err != nil {
			return err
		}
		files, err := generators[language](pkg, loader)
		if err != nil {
			return fmt.Errorf("%s: %w", language, err)
		}
		for name, content := range files {
			path := filepath.Join(out, language, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, content, 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("%s: %d files\n", language, len(files))
	}
	return nil
}
