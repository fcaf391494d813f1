import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from rulebook.models import CalendarOverride, Rule


class RuleFactory(DjangoModelFactory):
    class Meta:
        model = Rule

    key = factory.Sequence(lambda n: f"test.rule_{n}")
    name_zh = factory.Sequence(lambda n: f"测试规则{n}")
    name_en = factory.Sequence(lambda n: f"Test rule {n}")
    value = Decimal("20")
    unit = Rule.Unit.DAYS
    legal_basis_zh = "《中华人民共和国政府采购法实施条例》（测试）"
    legal_basis_en = "Implementing Regulations of the Government Procurement Law (test)"
    effective_from = datetime.date(2015, 3, 1)
    note = ""


class CalendarOverrideFactory(DjangoModelFactory):
    class Meta:
        model = CalendarOverride

    date = factory.Sequence(lambda n: datetime.date(2099, 1, 1) + datetime.timedelta(days=n))
    is_working_day = True
    reason_zh = "测试：国务院办公厅节假日安排通知"
    reason_en = "Test: State Council holiday arrangement notice"
