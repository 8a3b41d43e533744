//! Reading entities out of an answer, and each way of finding the next page.

use serde_json::json;

use super::*;

fn shape(list: &str, id: &str, name: &str) -> EntityShape {
    EntityShape {
        list: list.to_string(),
        id: id.to_string(),
        name: name.to_string(),
    }
}

fn url(text: &str) -> Url {
    Url::parse(text).expect("a test URL")
}

fn answer<'a>(url: &'a Url, body: &'a Value, link_header: Option<&'a str>) -> PageAnswer<'a> {
    PageAnswer {
        url,
        body,
        link_header,
        entities: 1,
        page_number: 1,
    }
}

#[test]
fn entities_are_read_at_their_pointers_numbers_as_text() {
    let page = json!({"value": [
        {"id": 17, "profile": {"displayName": " Contoso Ltd "}},
        {"id": "a/b", "profile": {"displayName": "Fabrikam"}}
    ]});
    let entities = shape("/value", "/id", "/profile/displayName").entities_of(&page);
    assert_eq!(
        entities,
        Ok(vec![
            Entity {
                id: "17".into(),
                name: "Contoso Ltd".into()
            },
            Entity {
                id: "a/b".into(),
                name: "Fabrikam".into()
            },
        ])
    );
    // The whole answer may be the list, and ~1 stands for / in a key.
    let page = json!([{"tenant/id": "t-1", "name": "Adatum"}]);
    assert_eq!(
        shape("", "/tenant~1id", "/name").entities_of(&page),
        Ok(vec![Entity {
            id: "t-1".into(),
            name: "Adatum".into()
        }])
    );
}

#[test]
fn a_missing_list_or_value_names_the_pointer_and_the_entity() {
    let page = json!({"value": [{"id": 1, "name": "A"}, {"id": null, "name": "B"}]});
    assert_eq!(
        shape("/items", "/id", "/name").entities_of(&page),
        Err(EntityPageError::NoList("/items".into()))
    );
    assert_eq!(
        shape("/value/0", "/id", "/name").entities_of(&page),
        Err(EntityPageError::NoList("/value/0".into()))
    );
    assert_eq!(
        shape("/value", "/id", "/name").entities_of(&page),
        Err(EntityPageError::NoValue {
            index: 1,
            pointer: "/id".into()
        })
    );
    let blank = json!({"value": [{"id": 1, "name": "  "}]});
    assert_eq!(
        shape("/value", "/id", "/name").entities_of(&blank),
        Err(EntityPageError::NoValue {
            index: 0,
            pointer: "/name".into()
        })
    );
}

#[test]
fn pointers_that_rfc_6901_does_not_allow_are_refused_by_field() {
    assert_eq!(shape("/value", "/id", "/name").check(), Ok(()));
    assert_eq!(shape("", "/a~0b", "/~1").check(), Ok(()));
    for (bad, field) in [
        (shape("value", "/id", "/name"), "list_pointer"),
        (shape("/value", "/a~2", "/name"), "id_pointer"),
        (shape("/value", "/id", "/name~"), "name_pointer"),
    ] {
        match bad.check() {
            Err(EntityPageError::BadPointer { field: named, .. }) => assert_eq!(named, field),
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn a_next_link_in_the_body_is_followed_relative_to_the_page_and_ends_on_null() {
    let here = url("https://api.example.com/v1/companies?page_size=100");
    let paging = Paging::NextLinkInBody {
        pointer: "/@odata.nextLink".into(),
    };
    let body = json!({"@odata.nextLink": "/v1/companies?skip=100"});
    assert_eq!(
        paging.next_page(&answer(&here, &body, None)),
        Ok(Some(url("https://api.example.com/v1/companies?skip=100")))
    );
    for last in [
        json!({"@odata.nextLink": null}),
        json!({}),
        json!({"@odata.nextLink": ""}),
    ] {
        assert_eq!(paging.next_page(&answer(&here, &last, None)), Ok(None));
    }
}

#[test]
fn a_next_page_on_another_origin_is_refused() {
    let here = url("https://api.example.com/v1/companies");
    let paging = Paging::NextLinkInBody {
        pointer: "/next".into(),
    };
    for elsewhere in [
        "https://attacker.example.net/steal",
        "http://api.example.com/v1/companies?page=2",
        "https://api.example.com:8443/v1/companies?page=2",
        "//attacker.example.net/x",
    ] {
        let body = json!({"next": elsewhere});
        assert_eq!(
            paging.next_page(&answer(&here, &body, None)),
            Err(EntityPageError::OtherOrigin(
                "https://api.example.com".into()
            )),
            "{elsewhere}"
        );
    }
    let header = "<https://attacker.example.net/x>; rel=\"next\"";
    assert!(matches!(
        Paging::LinkHeader.next_page(&answer(&here, &json!({}), Some(header))),
        Err(EntityPageError::OtherOrigin(_))
    ));
}

#[test]
fn the_link_header_s_next_relation_is_followed() {
    let here = url("https://api.example.com/companies?page=1");
    let body = json!([]);
    let header = "<https://api.example.com/companies?page=1&fields=id,name>; rel=\"prev first\", \
                  <https://api.example.com/companies?page=3&fields=id,name>; rel=\"next\", \
                  <https://api.example.com/companies?page=9>; rel=last";
    assert_eq!(
        Paging::LinkHeader.next_page(&answer(&here, &body, Some(header))),
        Ok(Some(url(
            "https://api.example.com/companies?page=3&fields=id,name"
        )))
    );
    let last = "<https://api.example.com/companies?page=1>; rel=first";
    assert_eq!(
        Paging::LinkHeader.next_page(&answer(&here, &body, Some(last))),
        Ok(None)
    );
    assert_eq!(
        Paging::LinkHeader.next_page(&answer(&here, &body, None)),
        Ok(None)
    );
}

#[test]
fn a_page_parameter_counts_up_from_its_first_value_until_a_page_is_empty() {
    let paging = Paging::PageParameter {
        name: "page".into(),
        first: 1,
    };
    let base = url("https://api.example.com/companies?page=7&pageSize=100");
    let first = paging.first_page(&base);
    assert_eq!(
        first.as_str(),
        "https://api.example.com/companies?pageSize=100&page=1"
    );
    let body = json!([]);
    let mut page = answer(&first, &body, None);
    page.entities = 100;
    page.page_number = 1;
    assert_eq!(
        paging.next_page(&page).map(|next| next.map(String::from)),
        Ok(Some(
            "https://api.example.com/companies?pageSize=100&page=2".to_string()
        ))
    );
    page.entities = 0;
    assert_eq!(paging.next_page(&page), Ok(None));
    assert_eq!(Paging::SinglePage.next_page(&page), Ok(None));
}
