"""The federation's archives, for the app's receiving and holding choices."""

from flask.views import MethodView
from flask_smorest import Blueprint

from federation.resources import context
from mobile_api.resources.admission import admit, citizen_only
from mobile_api.schemas import ArchiveChoiceSchema
from mobile_api.services import federation_archives

blp = Blueprint("mobile_archives", __name__, url_prefix="/mobile/api/v1/archives",
                description="档案馆: the archives of the federation")
blp.before_request(admit)


@blp.route("")
class Archives(MethodView):
    @citizen_only(blp)
    @blp.response(200, ArchiveChoiceSchema(many=True))
    def get(self) -> list[dict]:
        """Every archive: its code (to name it in a request) and name."""
        return federation_archives(context.settings())
