"""Flask extensions shared by every feature, attached in ``create_app`` via ``init_app``."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from .core.dbrouting import RoutingSession


class Base(DeclarativeBase):
    pass


#: Reads that asked for it may go to a replica (core/dbrouting.py); all else to the primary.
db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate()
