/**
 * Apollo Client 4 (TypeScript) against the nodestash GraphQL gateway.
 *
 *   npm install @apollo/client graphql rxjs
 *
 * (With Apollo Client 3 outside React, import from "@apollo/client/core".)
 *
 * NODESTASH_GATEWAY_URL and NODESTASH_API_KEY default to the demo of
 * `make run`. In a browser app, do not ship a nodestash key in the bundle:
 * let your backend attach it, and point `uri` at that backend.
 *
 * The test suite validates every gql`` document in this file against the
 * gateway's schema.
 */
import {
  ApolloClient,
  HttpLink,
  InMemoryCache,
  gql,
  type TypedDocumentNode,
} from "@apollo/client";

const GATEWAY_URL =
  process.env.NODESTASH_GATEWAY_URL ?? "http://127.0.0.1:8000/graphql";
const API_KEY =
  process.env.NODESTASH_API_KEY ?? "nds_test_demo4Kq8Zr2Lw6Xv1Nb5Tj9Hs3Pa";

export const client = new ApolloClient({
  link: new HttpLink({
    uri: GATEWAY_URL,
    headers: { Authorization: `Bearer ${API_KEY}` },
  }),
  cache: new InMemoryCache({
    // Fragments on interfaces need to know the implementing types.
    possibleTypes: {
      Node: ["Contact", "Company", "CustomFieldDefinition"],
      CustomFieldValue: [
        "TextCustomFieldValue",
        "NumberCustomFieldValue",
        "BooleanCustomFieldValue",
        "DateCustomFieldValue",
        "MultiSelectCustomFieldValue",
        "UntypedCustomFieldValue",
      ],
    },
  }),
});

// ---- Types of the operations' results and variables ----------------------

type JSONValue =
  | string
  | number
  | boolean
  | null
  | JSONValue[]
  | { [key: string]: JSONValue };

export interface CustomFieldValue {
  __typename: string;
  slug: string;
  rawValue: JSONValue;
  /** Set on NumberCustomFieldValue only. */
  number?: number;
  /** Set on MultiSelectCustomFieldValue only. */
  options?: string[];
}

export interface Contact {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  tags: string[];
  company: { id: string; name: string; domain: string | null } | null;
  customFields: CustomFieldValue[];
}

export interface ContactsData {
  contacts: {
    nodes: Contact[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

export interface ContactsVariables {
  first: number;
  after?: string | null;
  tags?: string[] | null;
}

export interface CreateContactData {
  createContact: { contact: Contact } | null;
}

export interface CreateContactVariables {
  input: {
    email?: string | null;
    firstName?: string | null;
    lastName?: string | null;
    companyId?: string | null;
    tags?: string[] | null;
    /** Slug to value, checked against the custom field definitions. */
    customFields?: Record<string, JSONValue> | null;
  };
}

// ---- Documents ------------------------------------------------------------

const CONTACT_FIELDS = gql`
  fragment ContactFields on Contact {
    id
    firstName
    lastName
    email
    tags
    company {
      id
      name
      domain
    }
    customFields {
      slug
      rawValue
      ... on NumberCustomFieldValue {
        number: value
      }
      ... on MultiSelectCustomFieldValue {
        options: value
      }
    }
  }
`;

export const CONTACTS: TypedDocumentNode<ContactsData, ContactsVariables> = gql`
  query ApolloContacts($first: Int!, $after: String, $tags: [String!]) {
    contacts(first: $first, after: $after, filter: { tags: $tags }) {
      nodes {
        ...ContactFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${CONTACT_FIELDS}
`;

export const CREATE_CONTACT: TypedDocumentNode<
  CreateContactData,
  CreateContactVariables
> = gql`
  mutation ApolloCreateContact($input: CreateContactInput!) {
    createContact(input: $input) {
      contact {
        ...ContactFields
      }
    }
  }
  ${CONTACT_FIELDS}
`;

// ---- Use ------------------------------------------------------------------

export async function listVipContacts(): Promise<Contact[]> {
  const { data } = await client.query({
    query: CONTACTS,
    variables: { first: 10, tags: ["vip"] },
  });
  return data?.contacts.nodes ?? [];
}

export async function createContact(
  input: CreateContactVariables["input"],
): Promise<Contact | undefined> {
  // GraphQL errors (BAD_USER_INPUT, UNAUTHENTICATED, ...) are thrown, each
  // with `extensions.code`.
  const { data } = await client.mutate({
    mutation: CREATE_CONTACT,
    variables: { input },
  });
  return data?.createContact?.contact;
}

async function main(): Promise<void> {
  for (const contact of await listVipContacts()) {
    const name = [contact.firstName, contact.lastName].filter(Boolean).join(" ");
    console.log(`${name} <${contact.email ?? "-"}> ${contact.company?.name ?? ""}`);
  }
  const created = await createContact({
    email: "grace@example.test",
    firstName: "Grace",
    lastName: "Hopper",
    tags: ["vip"],
    customFields: { lead_score: 90, tier: "gold" },
  });
  console.log("created", created?.id, created?.customFields);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
