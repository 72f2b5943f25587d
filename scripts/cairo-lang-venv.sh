# Sourced by the scripts that use cairo-lang (PyPI): installs it once into .venv/cairo-lang
# (gitignored) and sets VENV. Run from the repository root.
CAIRO_LANG_VERSION=0.14.0.1
VENV=.venv/cairo-lang
if [ ! -x "$VENV/bin/cairo-compile" ]; then
  echo "installing cairo-lang $CAIRO_LANG_VERSION into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "cairo-lang==$CAIRO_LANG_VERSION"
fi
