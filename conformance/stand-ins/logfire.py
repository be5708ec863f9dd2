"""Stand-in for logfire (telemetry): the server is run with OTEL_SDK_DISABLED, so spans and metrics do nothing."""
from _noop import Noop


def __getattr__(name):
    return Noop()
