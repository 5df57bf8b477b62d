# Rapport: `make run` starts the product with demo data, `make test` runs every test.
SHELL := /bin/bash
CARGO ?= cargo
DB_URL ?= sqlite://data/rapport.db?mode=rwc
DEMO_CUSTOMERS ?= 1000

.PHONY: run build frontend test test-rust test-frontend test-schemathesis fmt lint lint-deps openapi seed bench clean

## run: build everything, migrate and seed data/rapport.db when empty, serve on 127.0.0.1:8080
run: build
	RAPPORT_DATABASE_URL='$(DB_URL)' ./target/release/rapport seed --if-empty --customers $(DEMO_CUSTOMERS) --seed 42
	RAPPORT_DATABASE_URL='$(DB_URL)' RAPPORT_STATIC_DIR=frontend/dist ./target/release/rapport serve

build: frontend
	$(CARGO) build --release -p rapport-api

## frontend: build the single-page app when the project has one
frontend:
	@if [ -f frontend/package.json ]; then cd frontend && npm ci && npm run build; else echo "no frontend/ yet: serving the API only"; fi

## test: formatting, lints, dependency rules, every Rust test (SQLite; PostgreSQL/MySQL when their URLs are set), the frontend's, then the API contract
test: fmt lint lint-deps test-rust test-frontend test-schemathesis

fmt:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## lint-deps: the layering of ARCHITECTURE.md, checked on the dependency tree
lint-deps:
	@scripts/check-deps.sh

test-rust:
	@scripts/test-rust.sh

## test-frontend: API types drift, tsc, eslint, vitest, vite build, Playwright in Chromium against the real server
test-frontend:
	@if [ -f frontend/package.json ]; then scripts/test-frontend.sh; else echo "no frontend/ yet"; fi

## test-schemathesis: schemathesis against the server's own OpenAPI document, every operation and check, as admin
test-schemathesis:
	@scripts/test-schemathesis.sh

## openapi: regenerate openapi/openapi.json (and the frontend's types when it exists)
openapi:
	$(CARGO) run -q -p rapport-api -- openapi > openapi/openapi.json
	@if [ -f frontend/package.json ]; then cd frontend && npm run gen:api; fi

## seed: add demo data to the database (N customers)
seed:
	$(CARGO) run --release -p rapport-api -- seed --customers $(DEMO_CUSTOMERS) --seed 42

## bench: the benchmark suite (scripts/bench.py): seeds 1M customers / ~10M orders per backend
## (CUSTOMERS=, BACKENDS=sqlite,postgres), wrk on every scenario, bulk jobs; figures, never assertions
bench:
	@python3 scripts/bench.py $(BENCH_ARGS)

clean:
	$(CARGO) clean
