"""Flask extensions, created unbound here and bound to the app in `create_app`.

The MetaData naming convention gives every constraint a stable name, so migrations can refer to
them on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from flask_babel import Babel, Domain, get_locale
from flask_babel import _get_current_context as _babel_context  # pyright: ignore[reportPrivateUsage]
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase
from werkzeug.utils import cached_property

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


class RequestCatalogDomain(Domain):
    """Flask-Babel's message domain, finding the request's catalog once per locale.

    Flask-Babel looks the catalog up again for every string: the request context three times, the
    locale's name rebuilt, a dict lookup (about 20 µs; a project page translates ~500 strings). The
    request keeps the catalog with the locale object it was found for, so `force_locale` (which sets
    another locale object and puts the first back) and `refresh` (which forgets it) are still obeyed."""

    def get_translations(self):
        ctx = _babel_context()
        if ctx is None:
            return super().get_translations()
        locale = getattr(ctx, "babel_locale", None) or get_locale()
        held = getattr(ctx, "liandong_catalog", None)
        if held is not None and held[0] is locale and held[1] is self:
            return held[2]
        translations = super().get_translations()
        ctx.liandong_catalog = (locale, self, translations)
        return translations


class LiandongBabel(Babel):
    """Flask-Babel with the domain above."""

    @cached_property
    def domain_instance(self):
        return RequestCatalogDomain(domain=self.domain)


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
babel = LiandongBabel()
