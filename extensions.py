"""Flask extensions, created unbound here and bound to the app in `create_app`.

The MetaData naming convention gives every constraint a stable name, so migrations can refer to
them on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose metadata carries the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    if TYPE_CHECKING:
        # SQLAlchemy types it as any FromClause (a class may map a join or a select); every model
        # here maps one Table, which bulk inserts and Core INSERTs and UPDATEs take. Narrowing a
        # mutable class attribute is what the rule refuses; nothing assigns it after mapping.
        __table__: ClassVar[Table]  # pyright: ignore[reportIncompatibleVariableOverride]


db = SQLAlchemy(model_class=Base)
# Models subclass `Model`: at run time Flask-SQLAlchemy's db.Model (our Base, bound to the app's
# session); to the type checker the typed DeclarativeBase it is, constructor keywords and all.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
