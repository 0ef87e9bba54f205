"""Every response carries X-Essay-Slot (the slot serving it, from ESSAY_SLOT) and X-Essay-Version (the installed
version): essay's health checks and switches read them to prove which release answered."""
import importlib.metadata
import os

PROJECT = "@project@"


def installed_version():
    try:
        return importlib.metadata.version(PROJECT)
    except importlib.metadata.PackageNotFoundError:
        return "0.0.0+unknown"


VERSION = installed_version()


class EssayHeaders:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Essay-Slot"] = os.environ.get("ESSAY_SLOT", "")
        response["X-Essay-Version"] = VERSION
        return response
