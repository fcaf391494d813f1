"""The suppliers demo: every demo supplier approved with two licences (one expiring soon), one
registration awaiting review; loading again adds nothing."""

from accounts import demo as accounts_demo
from suppliers import demo
from suppliers.models import Qualification, SupplierProfile


def test_demo_suppliers_are_approved_and_loading_twice_adds_nothing(db):
    accounts_demo.load()
    assert demo.load()
    approved = SupplierProfile.objects.filter(status=SupplierProfile.Status.APPROVED)
    assert approved.count() == 8
    assert SupplierProfile.objects.filter(status=SupplierProfile.Status.PENDING).count() == 1
    assert Qualification.objects.count() == 17
    assert demo.load() == []
    assert SupplierProfile.objects.count() == 9 and Qualification.objects.count() == 17
