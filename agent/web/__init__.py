"""The web face of zongjie (`zongjie serve`): the same library functions as the CLI, behind a page for the browser."""
