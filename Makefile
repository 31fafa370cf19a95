# tiny_reason: the two commands of the README.
#   make run   -> create .venv if missing, install, run the pipeline with the auto preset
#   make test  -> install, then run every notebook as a test (nbdev_test) and the repo checks
# torch is installed first and pinned, so pip never swaps it for a multi-GB CUDA build;
# the library's requirements are ranges the installed torch satisfies.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
TORCH  ?= torch==2.13.0   # e.g. TORCH="torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"
OUT    ?= runs/latest
# the tests' scratch folders (adapters, merged models, checkpoints: GBs per run) go here and are removed afterwards,
# so repeated runs on one machine cannot fill its disk; a failed run's are removed by the next
TEST_TMP := $(CURDIR)/.tmp-test

.PHONY: install run test lessons export readme clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python setup.py settings.ini
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install -q $(TORCH)
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/tiny-reason run --out $(OUT)

test: install
	$(BIN)/python scripts/check_repo.py
	rm -rf $(TEST_TMP) && mkdir -p $(TEST_TMP)
	scripts/test_notebooks.sh $(BIN) $(TEST_TMP)  # the cpu and colab-sim passes, two workers of one thread each
	TMPDIR=$(TEST_TMP) $(BIN)/nbdev_test --path index.ipynb
	rm -rf $(TEST_TMP)

lessons: install  # run the lessons on the cpu preset and store their outputs (about half an hour on 2 cores)
	rm -rf $(TEST_TMP) && mkdir -p $(TEST_TMP)
	TMPDIR=$(TEST_TMP) $(BIN)/python scripts/run_lessons.py
	rm -rf $(TEST_TMP)

export: install
	$(BIN)/nbdev_export && $(BIN)/nbdev_clean && $(BIN)/nbdev_clean --fname index.ipynb && $(BIN)/python scripts/render_readme.py

readme: install
	$(BIN)/python scripts/render_readme.py

clean:
	rm -rf outputs runs _docs _proc build dist *.egg-info $(TEST_TMP)
