import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// The Go server to proxy the API to in development (`go run ./cmd/survey serve` listens on :8080).
const api = process.env.ESREADY_API ?? 'http://127.0.0.1:8080';

// Vite empties dist/ on every build; the repository keeps dist/.gitkeep so that a fresh clone,
// whose dist/ holds nothing else, still compiles (frontend/embed.go embeds the directory).
function keepGitkeep(): Plugin {
  return {
    name: 'esready-keep-gitkeep',
    apply: 'build',
    closeBundle() {
      writeFileSync(resolve(import.meta.dirname, 'dist/.gitkeep'), '');
    },
  };
}

export default defineConfig({
  plugins: [keepGitkeep()],
  server: {
    port: 5173,
    proxy: {
      '/api': api,
      '/healthz': api,
      '/readyz': api,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline script anywhere: the page must run under a CSP without 'unsafe-inline'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // survey-core alone is about 1.4 MB minified (350 kB gzipped); it loads with the questionnaire only.
    chunkSizeWarningLimit: 1600,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
