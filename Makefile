# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test venv bench screenshots translations icons clean bundle dist

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the project definition changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# The simpleaudio backend is optional: it builds only where gcc, python3-dev and libasound2-dev are.
	@$(BIN)/python -m pip install --quiet -e '.[simpleaudio]' >/dev/null 2>&1 \
		|| echo "note: the optional simpleaudio backend was not built (it needs: apt-get install gcc python3-dev libasound2-dev)"
	touch $@

venv: $(VENV)/.installed

run: venv
	$(BIN)/hinge-timer

test: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest
	$(BIN)/lint-imports
	$(BIN)/mypy

# A PNG of every screen and state, drawn headless on a fake clock, for docs/screenshots/.
screenshots: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py --out docs/screenshots --lang all

# The catalogues (docs/translations.md): strings extracted from the code, merged into each language's .po,
# compiled to the .mo the app reads. The tests fail while one is out of date (tests/unit/test_translations.py).
translations: venv
	$(BIN)/python tools/translations.py

# The app icon's PNGs, .ico and .icns, drawn from its SVG (tools/make_icons.py; tests/unit/test_icons.py checks them).
icons: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/make_icons.py

# Benchmarks are not tests: they print figures (docs/PERFORMANCE.md) and write JSON.
bench: venv
	mkdir -p bench-results
	$(BIN)/python benchmarks/load.py --json bench-results/load.json
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/timing.py --json bench-results/timing.json
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/window.py --json bench-results/window.json
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/audio_latency.py --json bench-results/audio_latency.json
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/history.py --json bench-results/history.json
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/kiosk_soak.py --json bench-results/kiosk_soak.json
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/editor.py --json bench-results/editor.json

# The self-contained one-folder bundle (PyInstaller), dist/hinge-timer/ here; packaging/pyinstaller/README.md.
bundle: venv
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/pyinstaller/hinge-timer.spec

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .hypothesis

# The sdist and the wheel of a release (docs/release.md), with the PyPA's front end.
dist: venv
	$(BIN)/python -m build --outdir dist .
