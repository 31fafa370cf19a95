# tiny_reason: the two commands of the README.
#   make run   -> create .venv if missing, install the library (not llama.cpp, which the run does not use), run the pipeline with the auto preset
#   make test  -> install, then run every notebook as a test (nbdev_test) and the repo checks
#   make test-slow -> what make test leaves to CI to keep it short: the colab-sim passes (each lesson alone, as its badge
#                    runs it), the minutes-long plumbing suites, lm-eval, the `#| slow` cells
#   make docs  -> the docs site, offline, into _site/ (docs/site.md), and its link check
# torch is installed first and pinned, so pip never swaps it for a multi-GB CUDA build;
# the library's requirements are ranges the installed torch satisfies.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
TORCH  ?= torch==2.13.0   # e.g. TORCH="torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"
OUT    ?= runs/latest
# tcmalloc where the system has it (Debian/Ubuntu: libtcmalloc-minimal4): glibc's malloc keeps more of a training run's
# freed memory (the cpu preset's training peak: 1.72 GiB against tcmalloc's 1.25, assets/results/cpu_memory_settings.md,
# written by benchmarks/allocators.py, which also measures glibc's own knobs). Empty, glibc's malloc is used.
MALLOC ?= $(firstword $(wildcard /usr/lib/*/libtcmalloc_minimal.so.4 /usr/lib/libtcmalloc_minimal.so.4))
# the tests' scratch folders (adapters, merged models, checkpoints: GBs per run) go here and are removed afterwards,
# so repeated runs on one machine cannot fill its disk; a failed run's are removed by the next
TEST_TMP := $(CURDIR)/.tmp-test

# llama.cpp, for `export --gguf` and the test that loads its files (35_gguf_format), through pip: llama-cpp-python's sdist
# compiles llama.cpp here, once (about 4 min on 2 cores; then seconds, from the cache below), with the system's C/C++
# compiler (Debian/Ubuntu: build-essential; macOS: xcode-select --install; CMake and Ninja come from PyPI where missing).
# Built for any x86-64 CPU with AVX2 (GGML_NATIVE=OFF): its default build, tuned to the building CPU, crashed in decode on an AMX/AVX-512 CPU.
# pip's wheel cache does not key on CMAKE_ARGS and would hand back a wheel built without the flag, crash included, so
# the build goes into a cache of its own that only this line writes, and --no-binary refuses any wheel built elsewhere
LLAMA_CPP       ?= llama-cpp-python==0.3.36
LLAMA_CPP_CMAKE := -DGGML_NATIVE=OFF
LLAMA_CPP_CACHE ?= $(HOME)/.cache/tiny_reason/pip-llama-cpp-portable

.PHONY: install run test test-slow test-gpu lessons study export readme docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# pip compiles every file it installs to bytecode: 51 of the install's 106 s on 2 cores (18,000 files, most never
# imported). Installed without that, Python writes each module's bytecode as it first imports it (about 5,000 files
# for the library and its tests): the library's own imports once at install, the rest as the tests or a run reach
# them. That needs PYTHONDONTWRITEBYTECODE empty in these commands, where a machine sets it (this one does): without
# bytecode every process would compile its imports again (18 s instead of 7 for the library's, measured)
export PYTHONDONTWRITEBYTECODE :=

# the torch pin, checked: pip leaves a torch of that version as it is (1.5 s, no download; a local build such as
# 2.13.0+cpu matches) and replaces any other. (`import torch` alone would accept whatever torch the venv holds)
$(VENV)/.installed: $(BIN)/python setup.py settings.ini
	$(BIN)/pip install -q --no-compile $(TORCH)
	$(BIN)/pip install -q --no-compile -e ".[dev]"
	$(BIN)/python -c "import tiny_reason.cli, tiny_reason.train, tiny_reason.evaluation, tiny_reason.grpo"
	touch $@

$(VENV)/.llama-cpp: $(BIN)/python Makefile
	CMAKE_ARGS="$(LLAMA_CPP_CMAKE)" $(BIN)/pip install -q --no-compile --force-reinstall --no-deps --no-binary llama-cpp-python \
		--cache-dir $(LLAMA_CPP_CACHE) "$(LLAMA_CPP)"
	$(BIN)/pip install -q --no-compile "$(LLAMA_CPP)"  # its dependencies (numpy, jinja2, diskcache, typing-extensions)
	echo 'CMAKE_ARGS="$(LLAMA_CPP_CMAKE)" $(LLAMA_CPP)' > $@

install: $(VENV)/.installed $(VENV)/.llama-cpp

run: $(VENV)/.installed  # not llama.cpp: the run never writes a GGUF (export --gguf says how to get it)
	LD_PRELOAD=$(MALLOC) $(BIN)/tiny-reason run --out $(OUT)

test: install
	$(BIN)/python scripts/check_repo.py
	rm -rf $(TEST_TMP) && mkdir -p $(TEST_TMP)
	LD_PRELOAD=$(MALLOC) $(BIN)/python scripts/test_notebooks.py --tmp $(TEST_TMP)  # every notebook under cpu-test: two workers
	rm -rf $(TEST_TMP)

test-slow: install  # what make test leaves out to keep it short, the take-home script's test too (scripts/test_notebooks.py --slow; CI runs it after make test)
	rm -rf $(TEST_TMP) && mkdir -p $(TEST_TMP)
	LD_PRELOAD=$(MALLOC) $(BIN)/python scripts/test_notebooks.py --slow --tmp $(TEST_TMP)
	rm -rf $(TEST_TMP)

test-gpu: install  # every lesson alone under t4-sim on a CUDA GPU (the colab-t4 recipe's code on the full model's shape, random weights, a few steps; fp16, capped at a T4's 15 GB); refuses without CUDA
	rm -rf $(TEST_TMP) && mkdir -p $(TEST_TMP)
	$(BIN)/python scripts/test_notebooks.py --gpu --workers 3 --tmp $(TEST_TMP) --record assets/gpu_pass.json
	rm -rf $(TEST_TMP)

lessons: install  # run the lessons on the cpu preset and store their outputs (about half an hour on 2 cores)
	rm -rf $(TEST_TMP) && mkdir -p $(TEST_TMP)
	LD_PRELOAD=$(MALLOC) TMPDIR=$(TEST_TMP) $(BIN)/python scripts/run_lessons.py
	rm -rf $(TEST_TMP)

study: install  # 09_study's full study (seven arms, three seeds: hours on 2 cores on the cpu preset; times.json holds each stage's), resumable, into the folder the lesson reads
	cd nbs && LD_PRELOAD=$(MALLOC) ../$(BIN)/tiny-reason study

export: install
	$(BIN)/python scripts/repo_links.py && $(BIN)/nbdev_export && $(BIN)/nbdev_clean && $(BIN)/nbdev_clean --fname index.ipynb && $(BIN)/python scripts/render_readme.py

readme: install
	$(BIN)/python scripts/render_readme.py

# the docs site (Sphinx + MyST-NB, docs/conf.py): the notebooks with their stored outputs, never executed, nothing
# fetched; any Sphinx warning fails it. Built in .docs-cache/ (MyST-NB writes beside the output folder), then moved
# to _site/, which a static host serves as it is. Then the site's own link check, after the check's self-test.
docs: install
	rm -rf _site .docs-cache
	$(BIN)/sphinx-build -q -W --keep-going -b html -c docs -d .docs-cache/doctrees . .docs-cache/html
	mv .docs-cache/html _site
	$(BIN)/python scripts/check_site.py --selftest
	$(BIN)/python scripts/check_site.py _site

clean:
	rm -rf outputs runs _docs _proc _site .docs-cache api build dist *.egg-info $(TEST_TMP)
