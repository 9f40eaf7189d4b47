"""Run the real program without a Pulumi CLI or cloud: what the CLI, engine and Azure would do, emulated.

Used by the offline preview (`python -m components.preview`) and by the tests. Nothing in the program
itself imports this package: `pulumi up` runs the same `__main__.py` against the real engine.
"""
