# esready — see README.md. `make run` builds and serves on the embedded store; `make test` is CI.
GO      ?= go
BIN     := bin/survey
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
HAS_WEB := $(wildcard frontend/package.json)

.PHONY: run build web test test-go test-fuzz test-web test-e2e vet fmt-check lint bench bench-load crashtest fuzz clean

run: build
	./$(BIN) serve

build: web
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/survey

# The web app is built into frontend/dist, which the binary embeds; only when a source of it
# changed (its index.html is older than one of them).
WEB_SRC := $(if $(HAS_WEB),$(shell find frontend/src frontend/public frontend/index.html frontend/package.json frontend/package-lock.json frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null))
web: $(if $(HAS_WEB),frontend/dist/index.html)

frontend/dist/index.html: $(WEB_SRC) frontend/node_modules/.package-lock.json
	cd frontend && npm run build
	touch frontend/dist/.gitkeep frontend/dist/index.html

test: vet fmt-check test-go test-fuzz test-web test-e2e

vet:
	$(GO) vet ./...

test-go:
	$(GO) test -race -count=1 ./...

# A short, bounded fuzzing run of each target on every test; `make fuzz` runs longer. The budget
# is a count of executions, not a duration: Go 1.26's fuzz coordinator can fail a clean run with
# "context deadline exceeded" when a duration runs out (go.dev/issue/75804, fixed in Go 1.27).
# 200000 executions take about 8 s on this 2-core machine.
FUZZTIME ?= 200000x
# The httpapi fuzz binary instruments the whole router for coverage and runs ~1,300 executions a
# second here, so its target gets a quarter of the budget (about 35 s instead of 2.5 min).
FUZZTIME_HTTP ?= $(shell echo $(FUZZTIME) | sed 's/x$$//' | awk '{print int($$1/4) "x"}')
test-fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzValidate$$' -fuzztime=$(FUZZTIME) ./internal/questionnaire/
	$(GO) test -run='^$$' -fuzz='^FuzzWrap$$' -fuzztime=$(FUZZTIME) ./internal/report/
	$(GO) test -run='^$$' -fuzz='^FuzzPrintableName$$' -fuzztime=$(FUZZTIME) ./internal/report/
	$(GO) test -run='^$$' -fuzz='^FuzzReportFirm$$' -fuzztime=$(FUZZTIME_HTTP) ./internal/httpapi/
	$(GO) test -run='^$$' -fuzz='^FuzzParseInvitations$$' -fuzztime=$(FUZZTIME) ./internal/campaign/
	$(GO) test -run='^$$' -fuzz='^FuzzChoiceCodes$$' -fuzztime=$(FUZZTIME) ./internal/scoring/
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeDomains$$' -fuzztime=$(FUZZTIME) ./internal/store/sqlite/

# npm ci again only when the lock file changed (npm writes node_modules/.package-lock.json).
frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

test-web: $(if $(HAS_WEB),frontend/node_modules/.package-lock.json)
ifneq ($(HAS_WEB),)
	cd frontend && npm test
endif

# The respondent's whole journey in Debian's headless Chromium against the real binary (with the
# web app embedded) on loopback: frontend/e2e/journey.mjs. With CI=true a missing browser fails.
test-e2e: build
ifneq ($(HAS_WEB),)
	cd frontend && node e2e/journey.mjs ../$(BIN) && node e2e/chamber.mjs ../$(BIN)
endif

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

lint: vet fmt-check
	@if command -v staticcheck >/dev/null; then staticcheck ./...; else echo "staticcheck not installed (go install honnef.co/go/tools/cmd/staticcheck@v0.8.2)"; fi

# The Go micro-benchmarks, then the load benchmark.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...
	$(MAKE) --no-print-directory bench-load

# A real `survey serve` on loopback, its rate limits off (internal/surveyproc starts it with
# --rate-limit 0, the flag of SURVEY_RATE_LIMIT=0), under respondents at 1, 8 and 32 at once,
# beside the store alone and again after bulk-loading 100,000 submissions; writes
# docs/benchmarks.md and fails if any request failed. About 3 minutes on 2 cores. A quick look:
# make bench-load LOADGEN_FLAGS='-preload 5000 -duration 5s -out -'
LOADGEN_FLAGS ?=
bench-load:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/survey
	$(GO) run ./cmd/loadgen -bin $(BIN) -out docs/benchmarks.md $(LOADGEN_FLAGS)

# kill -9 under load and restart, 20 rounds; `make test` runs the 5-round form.
crashtest:
	$(GO) test -run='^TestCrash$$' -count=1 -v ./cmd/survey -crash.rounds=20

fuzz:
	$(MAKE) test-fuzz FUZZTIME=10000000x

clean:
	rm -rf bin
