from test_contacts_scale import seed
from journeymail.extensions import db
from accounts import current
from contacts.models import Contact
from sqlalchemy import func, or_

def test_explain(app):
    seed(200_000)
    db.session.execute(db.text("ANALYZE"))
    q = current.scoped(Contact)
    key = "reader0001"; end = key + "\U0010ffff"
    for query in [q.with_only_columns(func.count()).order_by(None), q.order_by(Contact.email_key).limit(50).offset(500),
                  q.where(or_(Contact.email_key.between(key, end), Contact.name_key.between(key, end))).order_by(Contact.email_key).limit(50),
                  q.where(or_(Contact.email_key.between(key, end), Contact.name_key.between(key, end))).with_only_columns(func.count()).order_by(None),
                  q.where(Contact.status == "bounced").order_by(Contact.email_key).limit(50).offset(100),
                  q.where(Contact.status == "bounced").with_only_columns(func.count()).order_by(None)]:
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        print("\n---", str(compiled).replace("\n", " ")[:200])
        for row in db.session.execute(db.text(f"EXPLAIN ANALYZE {compiled}")).all():
            print(row[0])
