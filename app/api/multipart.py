"""A request body of form fields and files together, read by one schema and documented as one
multipart/form-data body (flask-smorest documents form and files as two bodies otherwise)."""

from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict


class _Parser(FlaskParser):
    def load_form_and_files(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


_Parser.__location_map__ = {**FlaskParser.__location_map__,
                            "form_and_files": "load_form_and_files"}


class MultipartBlueprint(Blueprint):
    ARGUMENTS_PARSER = _Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "form_and_files": "multipart/form-data",
    }
