# Multi-stage build of the survey server: web app, Go binary, then a small non-root runtime.

FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY frontend/ ./
# The web app is optional at this stage of the project: build it when it exists.
RUN if [ -f package.json ]; then npm ci --no-audit --no-fund && npm run build; fi && mkdir -p dist

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /web/dist/ ./frontend/dist/
ARG VERSION=docker
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/survey ./cmd/survey \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/survey /survey
# The embedded store's directory must belong to the non-root user (distroless has no chown).
COPY --from=build --chown=65532:65532 /out/data /data
ENV SURVEY_ADDR=0.0.0.0:8080 \
    SURVEY_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
# Liveness (/healthz): a database outage must not get a healthy process restarted. Load
# balancers probe readiness, /readyz (or `survey healthcheck --ready`).
HEALTHCHECK --interval=10s --timeout=5s --retries=3 CMD ["/survey", "healthcheck"]
ENTRYPOINT ["/survey", "serve"]
