package ga_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/ga"
)

// Every error a call returns is this package's type, however deep the
// shared layer wrapped it: a cause of the context ending, of a wait that
// ran out, of a validation.
func TestErrorsArePublicTypesThroughEveryWrapper(t *testing.T) {
	c, mock := newMockClient(t, ga.WithRetryBackoff(time.Second, time.Second))
	mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", httpmock.NewStringResponder(502, `<html>bad gateway</html>`))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := c.CreateListener(ctx, validRequest())
	var op *ga.OperationError
	var re *ga.ResponseError
	require.ErrorAs(t, err, &op)
	assert.ErrorAs(t, err, &re, "the unusable answer before the context ended")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 502, re.StatusCode)

	_, err = c.WaitUntilListenerActive(context.Background(), "lsr-1", 30*time.Millisecond)
	var w *ga.WaitError
	require.ErrorAs(t, err, &w)
	assert.ErrorIs(t, err, ga.ErrWaitTimedOut)
	assert.ErrorAs(t, err, &re, "the last poll's unusable answer")

	err = (&ga.CreateListenerRequest{}).Validate()
	var invalid *ga.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, ga.ErrMissingParameter, invalid.Violations[0].Code, "FieldError.Code is an ErrorCode")
	var field *ga.FieldError
	assert.ErrorAs(t, err, &field)
	assert.True(t, errors.Is(err, ga.ErrMissingParameter))
}
