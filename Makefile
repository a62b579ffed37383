# The two commands of the quick start are `go run ./cmd/warden serve` and
# `make test`; the rest are conveniences.
.PHONY: test build run vet bench

test:
	./scripts/test.sh

build:
	go build -o bin/warden ./cmd/warden

run:
	go run ./cmd/warden serve

vet:
	go vet ./...

# Reproduces docs/PERFORMANCE.md (USERS=10000 for a quick run,
# DATABASE_URL=postgres://… for PostgreSQL).
bench:
	./scripts/bench.sh
