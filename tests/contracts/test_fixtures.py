from contracts.models import Contract


def test_the_signed_contract_fixture_matches_its_award(signed_contract):
    award = signed_contract.award
    assert signed_contract.status == Contract.Status.IN_PERFORMANCE
    assert signed_contract.amount == award.amount
    assert signed_contract.supplier_id == award.winner.supplier_id
    assert sum(m.amount for m in signed_contract.milestones.all()) == award.amount
    assert signed_contract.signatures.count() == 2


def test_the_draft_contract_fixture_is_editable(draft_contract):
    assert draft_contract.is_editable
    assert draft_contract.lot.status == "contracting"


def test_the_bank_officers_act_for_two_banks(bank_officer, other_bank_officer):
    banks = {user.active_membership.organisation for user in (bank_officer, other_bank_officer)}
    assert len(banks) == 2
    assert {bank.kind for bank in banks} == {"bank"}
