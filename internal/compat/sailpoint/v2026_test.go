package sailpoint_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	v2026 "github.com/sailpoint-oss/golang-sdk/v2/api_v2026"

	"github.com/wardenhq/warden/internal/httpapi"
)

func replaceCapabilities2026(caps ...string) []v2026.JsonPatchOperation {
	arr := make([]v2026.ArrayInner, len(caps))
	for i := range caps {
		arr[i] = v2026.ArrayInner{String: &caps[i]}
	}
	op := v2026.NewJsonPatchOperation("replace", "/capabilities")
	op.SetValue(v2026.ArrayOfArrayInnerAsUpdateMultiHostSourcesRequestInnerValue(&arr))
	return []v2026.JsonPatchOperation{*op}
}

// TestSDKv2026 drives /v2026 with the SDK's v2026 client. Its document
// adds the capabilities INTERNAL and POLICY_ADMIN: v2026 sets and shows
// them; v3, whose document does not list them, neither shows nor drops nor
// sets them.
func TestSDKv2026(t *testing.T) {
	w := newWorld(t, httpapi.Config{})
	ctx := context.Background()
	cid, secret := w.serviceClient(t, "provisioner", "ORG_ADMIN")
	sp := w.sdkClient(cid, secret)
	id := w.userID.Hex()
	sorted := func(caps []string) []string { slices.Sort(caps); return caps }

	u, res, err := sp.V2026.AuthUsersAPI.GetAuthUser(ctx, id).Execute()
	if err != nil || res.StatusCode != 200 || u.GetUid() != "will.smith" || len(u.GetCapabilities()) != 0 {
		t.Fatalf("GET: %v, %+v", err, u)
	}
	u, _, err = sp.V2026.AuthUsersAPI.PatchAuthUser(ctx, id).
		JsonPatchOperation(replaceCapabilities2026("POLICY_ADMIN", "HELPDESK")).Execute()
	if err != nil || !slices.Equal(sorted(u.GetCapabilities()), []string{"HELPDESK", "POLICY_ADMIN"}) {
		t.Fatalf("PATCH: %v, %v", err, u.GetCapabilities())
	}

	old, _, err := sp.V3.AuthUsersAPI.GetAuthUser(ctx, id).Execute()
	if err != nil || !slices.Equal(old.GetCapabilities(), []string{"HELPDESK"}) {
		t.Fatalf("v3 GET: %v, %v", err, old.GetCapabilities())
	}
	old, _, err = sp.V3.AuthUsersAPI.PatchAuthUser(ctx, id).JsonPatchOperation(replaceCapabilities("CERT_ADMIN")).Execute()
	if err != nil || !slices.Equal(old.GetCapabilities(), []string{"CERT_ADMIN"}) {
		t.Fatalf("v3 PATCH: %v, %v", err, old.GetCapabilities())
	}
	u, _, err = sp.V2026.AuthUsersAPI.GetAuthUser(ctx, id).Execute()
	if err != nil || !slices.Equal(sorted(u.GetCapabilities()), []string{"CERT_ADMIN", "POLICY_ADMIN"}) {
		t.Fatalf("after the v3 PATCH: %v, %v; want POLICY_ADMIN kept", err, u.GetCapabilities())
	}
	_, res, err = sp.V3.AuthUsersAPI.PatchAuthUser(ctx, id).JsonPatchOperation(replaceCapabilities("INTERNAL")).Execute()
	sdkError(t, err, res, http.StatusBadRequest)

	for _, path := range []string{"/v2026/auth-users", "/v2026/identities/" + id} {
		req, _ := http.NewRequest(http.MethodGet, w.st.URL+path, nil)
		res, err := w.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
}
