"""The models subclass counsel.db.Base, and Flask-SQLAlchemy's db.Model shares its tree."""

from counsel import models
from counsel.db import Base
from counsel.extensions import db

MODELS = (
    models.User,
    models.ExpertProfile,
    models.CounselingSession,
    models.StatusChange,
    models.LedgerEntry,
    models.SharedFile,
    models.AuditEvent,
)


def test_db_model_and_base_share_one_registry_and_one_metadata():
    assert db.Model.registry is Base.registry
    assert db.metadata is Base.metadata


def test_every_model_is_mapped_on_base_and_its_table_is_in_db_metadata():
    mappers = Base.registry.mappers
    assert set(MODELS) <= {mapper.class_ for mapper in mappers}
    assert {mapper.local_table.name for mapper in mappers} == set(db.metadata.tables)
