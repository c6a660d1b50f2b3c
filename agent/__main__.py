"""`python -m agent` runs the zongjie command line."""

from .cli import app

app(prog_name="zongjie")
