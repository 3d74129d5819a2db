# Hearth developer and operator commands. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_GRPC := $(PY) -m pytest -p no:pytest_nameko
PYTEST_EVENTLET := $(PY) scripts/pytest_eventlet.py
# Services that run (processes, databases, images); every package under services/ is installed and tested.
SERVICES := identity room moderation course
PACKAGES := $(filter-out common,$(notdir $(patsubst %/pyproject.toml,%,$(wildcard services/*/pyproject.toml))))
TESTS = $(wildcard $(foreach s,$(PACKAGES),services/$(s)/tests/$(1)))

.PHONY: help venv proto lint test test-grpc-process test-unit safeguarding-check test-nameko test-e2e migrate run bench bench-compare clean wheels images env up down logs ps redeploy test-compose

help: ## list the make targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 20

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip 'setuptools<81' wheel

venv: $(PY) ## create .venv and install every package (editable) with the tested versions
	$(PY) -m pip install --quiet -c constraints.txt -r requirements-dev.txt \
		-e protos -e 'services/common[nameko]' $(foreach s,$(PACKAGES),-e services/$(s))

proto: ## regenerate the Python code from protos/**/*.proto
	$(PY) protos/generate.py

lint: ## ruff over the Python sources, and the import rules of ARCHITECTURE.md (import-linter, .importlinter)
	$(VENV)/bin/ruff check services benchmarks scripts tests deploy protos
	$(VENV)/bin/lint-imports --no-cache

test: lint test-grpc-process test-nameko ## lint, then every test tier against the local PostgreSQL and RabbitMQ

test-grpc-process: ## unit, integration, gRPC, contract and end-to-end tests (no eventlet in this process)
	$(PYTEST_GRPC) protos/tests services/common/tests/unit services/common/tests/integration \
		$(call TESTS,unit) $(call TESTS,integration) $(call TESTS,grpc) tests/contract tests/e2e deploy/tests \
		--ignore=tests/contract/nameko

test-unit: ## unit tests only (no I/O)
	$(PYTEST_GRPC) services/common/tests/unit $(call TESTS,unit)

safeguarding-check: ## the teen/adult wall as a stateful property test at 10,000 generated cases; prints how many it ran
	HEARTH_WALL_PROFILE=wall-check $(PYTEST_GRPC) --timeout=0 -s services/room/tests/unit/test_room_wall_property.py

test-nameko: ## nameko worker tests (and the contract tier's worker checks), in an eventlet-patched process of their own
	$(PYTEST_EVENTLET) -p no:cacheprovider services/common/tests/nameko $(call TESTS,nameko) tests/contract/nameko

test-e2e: ## end-to-end tests: every service as real processes, driven over gRPC and AMQP
	$(PYTEST_GRPC) tests/e2e

# --- docker compose ---------------------------------------------------------------------------
COMPOSE ?= $(shell deploy/compose-cli.sh)
SERVICE ?= identity

wheels: $(PY) ## build wheels of every package and dependency into deploy/wheels (images install from them)
	rm -rf deploy/wheels
	$(PY) -m pip wheel --quiet --wheel-dir deploy/wheels -c constraints.txt \
		./protos './services/common[nameko]' $(foreach s,$(SERVICES),./services/$(s))

images: ## build the local base images (Python, PostgreSQL, RabbitMQ, HAProxy) from Debian packages
	bash deploy/images/build-base-images.sh

# The operator's settings: .env at the root (gitignored), read by docker compose by itself. ENV_FILE writes another.
ENV_FILE ?= .env

env: $(PY) ## write .env once (generated secrets, images, ports; never overwrites a value) and the broker's definitions
	$(PYTHON) deploy/make_env.py --env-file $(ENV_FILE) --services $(SERVICES) $(if $(filter 1,$(LOCAL_IMAGES)),--local-images)
	@$(PY) -c 'import hearth_common; $(foreach s,$(SERVICES),import $(s)_service;)' 2>/dev/null || $(MAKE) --no-print-directory venv
	$(PY) deploy/rabbitmq/make_definitions.py $(ENV_FILE)

# LOCAL_IMAGES=1 uses base images built here from Debian packages (make images) instead of registry ones
# (make env writes their names into a new .env; these override an older .env's for make's own commands).
ifeq ($(LOCAL_IMAGES),1)
export PYTHON_BASE_IMAGE ?= hearth/python-base:bookworm
export POSTGRES_IMAGE ?= hearth/postgres:15
export RABBITMQ_IMAGE ?= hearth/rabbitmq:3
export HAPROXY_IMAGE ?= hearth/haproxy:2.6
export DOCKER_BUILDKIT ?= 0
export COMPOSE_DOCKER_CLI_BUILD ?= 0
endif

up: env wheels ## build the images, start the whole stack and wait until every container is healthy
	$(COMPOSE) up -d --build
	bash deploy/wait-healthy.sh "$(COMPOSE)" 300

down: ## stop and remove the stack's containers (data volumes are kept)
	$(COMPOSE) down

logs: ## follow the stack's logs
	$(COMPOSE) logs -f --tail=100

ps: ## list the stack's containers and their health
	$(COMPOSE) ps

redeploy: env wheels ## rebuild and replace one service's containers alone: make redeploy SERVICE=identity
	bash deploy/redeploy.sh "$(COMPOSE)" $(SERVICE)
	bash deploy/wait-healthy.sh "$(COMPOSE)" 300

test-compose: ## build the real images, bring the compose stack up, run tests/compose against it, tear down
	bash deploy/compose-test.sh

migrate: ## create the local databases if missing and run every service's migrations
	$(PY) scripts/ensure_databases.py $(SERVICES)
	$(foreach s,$(SERVICES),$(VENV)/bin/$(s)-migrate &&) true

run: migrate ## run every service as local processes (gRPC + worker); Ctrl-C stops them
	exec $(PY) scripts/run_local.py $(SERVICES)

# Room's rows carry the issue's targets and run first: right after identity's benchmark the join row's p99
# measured 10-13 ms for a minute or two (8.7 ms after a two-minute pause), an after-effect on this machine.
# Each room script first prints the floor (benchmarks/floor.py: an empty grpc.aio call) that its rows' server
# CPU per call is divided by; BENCH_SECONDS bounds each row (the chat ladder runs up to six of them).
bench: ## print the floor (an empty grpc.aio call) and, beside it, room's joins, history pages and posts (server CPU per call as a multiple of the floor, PostgreSQL round trips per call), the group-chat ladder of post rates (200 streams), live delivery to 1,000 streams, fan-out to 1,000 and 10,000 streams, posts with and without automod rules, identity's API and its CPU per room post consumed, moderation-worker's CPU and PostgreSQL round trips per room post consumed (beside a redelivery's), automod's scores, post to care notice and page, course's replies, pages and completion, and every process's CPU at rest
	$(PY) benchmarks/bench_room.py
	$(PY) benchmarks/bench_room_chat.py
	$(PY) benchmarks/bench_room_live.py
	$(PY) benchmarks/bench_room_fanout.py
	$(PY) benchmarks/bench_room_automod.py
	$(PY) benchmarks/bench_identity.py
	$(PY) benchmarks/bench_identity_posts.py
	$(PY) benchmarks/bench_moderation_posts.py
	$(PY) benchmarks/bench_automod.py
	$(PY) benchmarks/bench_pager.py
	$(PY) benchmarks/bench_course.py
	$(PY) benchmarks/bench_rest.py

bench-compare: ## the benchmarks of REF and of this tree side by side in one sitting: make bench-compare REF=HEAD~1
	bash scripts/bench_compare.sh $(REF)

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .hypothesis
	find . -name __pycache__ -prune -exec rm -rf {} +
