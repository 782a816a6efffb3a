// Package frontend embeds the built web app (frontend/dist, produced by `npm run build`) into the
// binary. A fresh clone compiles before the app is built: dist/ then holds only a placeholder
// file, and the server answers with a short page saying how to build the app.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built web app, rooted at its index.html.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the directory is embedded above; Sub cannot fail on it
	}
	return sub
}
