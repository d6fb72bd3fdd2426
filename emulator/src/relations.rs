//! Relationship facts SOQL needs and `schema.rs` does not carry: child
//! relationships (`Account.Contacts`), lookup of the polymorphic relationships
//! (`Task.Who`, `Task.What`; the table is `schema::POLYMORPHIC`) and the fields a
//! polymorphic parent exposes (the `Name` entity).
//!
//! Names follow the standard objects' describe (`childRelationships[].relationshipName`
//! and `referenceTo` of WhoId/WhatId) in the object reference:
//! https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm

use std::sync::LazyLock;

use crate::schema::{self, Field};

/// A child relationship: on `parent`, `name` lists the `child` records whose `fk`
/// points at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Child {
    pub parent: &'static str,
    pub name: &'static str,
    pub child: &'static str,
    pub fk: &'static str,
}

pub const CHILDREN: &[Child] = &[
    Child {
        parent: "Account",
        name: "Contacts",
        child: "Contact",
        fk: "AccountId",
    },
    Child {
        parent: "Account",
        name: "Cases",
        child: "Case",
        fk: "AccountId",
    },
    Child {
        parent: "Account",
        name: "Tasks",
        child: "Task",
        fk: "WhatId",
    },
    Child {
        parent: "Contact",
        name: "Cases",
        child: "Case",
        fk: "ContactId",
    },
    Child {
        parent: "Contact",
        name: "Tasks",
        child: "Task",
        fk: "WhoId",
    },
    Child {
        parent: "Lead",
        name: "Tasks",
        child: "Task",
        fk: "WhoId",
    },
    Child {
        parent: "Case",
        name: "Tasks",
        child: "Task",
        fk: "WhatId",
    },
];

/// Whether deleting the parent deletes these children, as the standard objects'
/// describe says: activities and an account's contacts and cases go with their
/// parent; a contact's cases stay (their `ContactId` is cleared).
pub fn cascades(c: &Child) -> bool {
    !(c.parent == "Contact" && c.child == "Case")
}

/// describe's `childRelationships` of `parent`: one entry per relationship the
/// SOQL engine knows, in the shape of the REST describe (`DescribeSObjectResult`).
pub fn child_relationships(parent: &str) -> serde_json::Value {
    CHILDREN
        .iter()
        .filter(|c| c.parent == parent)
        .map(|c| {
            serde_json::json!({
                "cascadeDelete": cascades(c),
                "childSObject": c.child,
                "deprecatedAndHidden": false,
                "field": c.fk,
                "junctionIdListNames": [],
                "junctionReferenceTo": [],
                "relationshipName": c.name,
                "restrictedDelete": false,
            })
        })
        .collect()
}

/// The child relationship `name` of `parent` (case-insensitive).
pub fn child(parent: &str, name: &str) -> Option<&'static Child> {
    CHILDREN
        .iter()
        .find(|c| c.parent == parent && c.name.eq_ignore_ascii_case(name))
}

/// The polymorphic lookup `rel` of `object` (case-insensitive), from the schema's
/// table so describe, writes and SOQL agree.
pub fn polymorphic(object: &str, rel: &str) -> Option<&'static schema::Polymorphic> {
    schema::POLYMORPHIC
        .iter()
        .find(|p| p.object == object && p.rel.eq_ignore_ascii_case(rel))
}

/// The pseudo-object a polymorphic relationship leads to: in Salesforce its
/// fields are those of the `Name` entity (Id, Name, Type, ...).
pub const NAME_OBJECT: &str = "Name";

/// The `Name` entity's fields, borrowed from the schema's Contact (and Account's
/// `Type`), so they follow the schema's `Field` shape.
pub fn name_fields() -> &'static [Field] {
    static FIELDS: LazyLock<Vec<Field>> = LazyLock::new(|| {
        let from = |fields: &'static [Field], name: &str| schema::field(fields, name).copied();
        ["Id", "Name", "FirstName", "LastName", "Email", "Phone"]
            .iter()
            .filter_map(|n| from(schema::CONTACT, n))
            .chain(from(schema::ACCOUNT, "Type"))
            .collect()
    });
    &FIELDS
}

/// How deep parent paths go (`Case.Contact.Account.Owner.Name` is four hops);
/// Salesforce allows five levels of child-to-parent relationships.
pub const MAX_PARENT_HOPS: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polymorphic_relationships_are_the_ones_describe_lists() {
        for (rel, fk) in [("who", "WhoId"), ("WHAT", "WhatId")] {
            let p = polymorphic("Task", rel).expect("polymorphic");
            let f = schema::field(schema::TASK, fk).expect("field");
            assert_eq!(p.fk, fk);
            assert_eq!(
                schema::reference_to("Task", f),
                (p.reference_to, Some(p.rel))
            );
        }
        assert_eq!(
            polymorphic("Task", "Who").map(|p| p.reference_to),
            Some(&["Contact", "Lead"][..])
        );
        assert!(polymorphic("Task", "Owner").is_none());
        assert!(polymorphic("Case", "Who").is_none());
    }
}
