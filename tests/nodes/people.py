"""Identities the node tests file records under (valid check characters computed, not typed)."""

from schemas.id_numbers import check_character


def id18(body17: str) -> str:
    return body17 + check_character(body17)


# 张国华, man, born 1952-03-04 in Luzhou
ZHANG_ID = id18("51050019520304001")
ZHANG_ID_15 = ZHANG_ID[:6] + ZHANG_ID[8:17]
# 李秀英, woman, born 1955-07-21
LI_ID = id18("51050219550721002")
# another man of the same name as Zhang, born 1960
OTHER_ZHANG_ID = id18("50011819600101003")


def bad_check(valid: str) -> str:
    """The same id with a wrong check character, as a clerk might have typed it."""
    wrong = "0" if valid[-1] != "0" else "1"
    return valid[:17] + wrong


def marriage_row(local_id: str, **values: str) -> dict[str, str]:
    row = {
        "local_id": local_id, "fonds_no": "0012", "catalog_no": "003", "file_no": "0012-003-0045",
        "item_no": "1", "pages": "2", "event_date": "1978年5月", "access": "open",
        "digitized_pages": "2", "registration_kind": "marriage", "certificate_no": "泸婚字第0045号",
        "registry_office": "泸州市江阳区民政局",
        "husband_name": "张国华", "husband_id_number": "", "husband_gender": "M",
        "husband_birth_date": "1952.3", "husband_native_place": "四川泸州",
        "wife_name": "李秀英", "wife_id_number": "", "wife_gender": "F",
        "wife_birth_date": "1955-07-21", "wife_native_place": "重庆永川",
    }
    row.update(values)
    return row
