# Imported up front: otherwise the hypothesis pytest plugin imports it at session end, from deep in the
# stack, where CPython 3.11.7's ast.parse fails with "AST constructor recursion depth mismatch".
import hypothesis  # noqa: F401
