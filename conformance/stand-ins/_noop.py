"""Shared do-nothing object for the conformance stand-ins: every attribute, call and context is a no-op."""


class Noop:
    def __call__(self, *args, **kwargs):
        return Noop()

    def __getattr__(self, name):
        return Noop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __iter__(self):
        return iter(())

    def __bool__(self):
        return False
