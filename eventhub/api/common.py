"""What every API resource shares: the blueprint class, input errors as 422, pagination."""
from contextlib import contextmanager
from http import HTTPStatus

from flask import jsonify
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException

from eventhub.core.errors import ValidationError
from eventhub.core.requestlog import request_id
from eventhub.core.transaction import atomic
from eventhub.extensions import db

MAX_PER_PAGE = 100


class ApiParser(FlaskParser):
    """webargs parser whose every refusal is a 422 with a message and field errors."""

    DEFAULT_VALIDATION_STATUS = 422

    def _raw_load_json(self, req):
        """Refuse a body that is not JSON instead of reading it as an empty object."""
        if req.get_data(cache=True) and not is_json_request(req):
            abort(
                422,
                message=_("Send the body as JSON with Content-Type: application/json."),
                errors={"json": {"_schema": [_("The body is not JSON.")]}},
            )
        return super()._raw_load_json(req)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        """Malformed JSON is bad input like any other: 422, not webargs' 400."""
        abort(
            422,
            message=_("The body is not valid JSON."),
            errors={"json": {"_schema": [_("Invalid JSON body.")]}},
        )

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        """Field errors under their location, e.g. {"json": {"end": ["..."]}}."""
        abort(
            error_status_code or self.DEFAULT_VALIDATION_STATUS,
            message=_("The input is not valid."),
            errors=error.messages,
            headers=error_headers,
        )


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint parsing input with ApiParser."""

    ARGUMENTS_PARSER = ApiParser()


@contextmanager
def input_errors():
    """A ValidationError from a service becomes the same 422 shape as a schema error."""
    try:
        yield
    except ValidationError as error:
        abort(422, message=_("The input is not valid."), errors={"json": error.errors})


@contextmanager
def service_errors():
    """Run the service calls of one request as one unit of work; a ValidationError becomes the same 422
    shape as a schema error (the unit of work has rolled back by then)."""
    with input_errors(), atomic():
        yield


def refusal(code: int, reason: str, message: str, field: str, **extra) -> HTTPException:
    """A refusal by the rules as an HTTPException carrying its own JSON body (eventhub.core.error_pages leaves it as is):
    the usual error shape plus `reason`, a code clients can act on."""
    body = {"code": code, "status": HTTPStatus(code).phrase, "message": message,
            "errors": {"json": {field: [message]}}, "reason": reason, "request_id": request_id(), **extra}
    response = jsonify(body)
    response.status_code = code
    return HTTPException(response=response)


def paginate(query, args: dict):
    """One page of a Select: two queries (count and rows) whatever the page size."""
    return db.paginate(
        query, page=args["page"], per_page=args["per_page"], max_per_page=MAX_PER_PAGE, error_out=False
    )
