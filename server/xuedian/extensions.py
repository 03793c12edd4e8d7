"""Flask extensions shared by every feature, attached in ``create_app`` via ``init_app``."""

from pathlib import Path

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from .core.dbrouting import RoutingSession


class Base(DeclarativeBase):
    pass


#: Reads that asked for it may go to a replica (core/dbrouting.py); all else to the primary.
db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})

MIGRATIONS = Path(__file__).parent / "migrations"


def init_migrations(app) -> None:
    """Attach Flask-Migrate (``flask_migrate.upgrade()`` and the like) to ``app``.

    Imported here, not at the top: Flask-Migrate brings Alembic, Mako and Pygments, about
    11 MB a gunicorn worker would hold for nothing, since serving never migrates.
    """
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(MIGRATIONS))
