package httpapi

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzhttp"
)

// webApp serves the built single-page app: files as they are, any other path outside /api/ as
// index.html so client-side routes survive a reload. Inside /api/ an unknown path stays a JSON 404.
// Responses are gzip-compressed for clients that accept it (klauspost/compress's gzhttp): the
// questionnaire's script is 1.4 MB as built and about 360 kB compressed.
type webApp struct {
	files   fs.FS
	index   []byte
	handler http.Handler
}

const placeholderPage = `<!doctype html><html lang="ja"><meta charset="utf-8"><title>esready</title>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>esready</h1>
<p>API は稼働中です。Web アプリはまだビルドされていません（<code>make run</code> でビルドされます）。</p>
<p lang="en">The API is running. The web app has not been built yet (<code>make run</code> builds it).</p>
<p><a href="/api/v1/openapi.json">/api/v1/openapi.json</a></p></body></html>`

func newWebApp(files fs.FS) *webApp {
	w := &webApp{files: files, index: []byte(placeholderPage)}
	if files != nil {
		if b, err := fs.ReadFile(files, "index.html"); err == nil {
			w.index = b
		}
	}
	w.handler = gzhttp.GzipHandler(http.HandlerFunc(w.serveHTTP))
	return w
}

func (w *webApp) serve(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, "/api/") || p == "/api" || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
		writeError(c, errNotFound)
		return
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name != "" && name != "index.html" && w.files != nil {
		if _, err := fs.Stat(w.files, name); err != nil && path.Ext(name) != "" {
			writeError(c, errNotFound) // a missing file, not a client-side route
			return
		}
	}
	w.handler.ServeHTTP(c.Writer, c.Request)
}

// serveHTTP writes a file of the app, or index.html for a client-side route.
func (w *webApp) serveHTTP(rw http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if name != "" && name != "index.html" && w.files != nil {
		if f, err := fs.Stat(w.files, name); err == nil && !f.IsDir() {
			if strings.HasPrefix(name, "assets/") {
				// Vite puts a content hash in every asset name: a changed file gets a new name.
				rw.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			}
			http.ServeFileFS(rw, r, w.files, name)
			return
		}
	}
	rw.Header().Set("Cache-Control", "no-cache")
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = rw.Write(w.index)
	}
}
