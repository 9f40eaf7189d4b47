"""The engine tier: the real Pulumi CLI and engine, stand-in providers, a fake cloud (see docs/engine.md)."""
