package shop.defaults;

import java.io.IOException;
import java.io.Writer;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Tomcat's own error answers — a request it refuses before Spring sees it (headers or URL too
 * long, a malformed URL) — as a problem detail too, instead of Tomcat's HTML page.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String slug = known != null ? Problems.slugFor(known) : "client-error";
        String title = known != null ? known.getReasonPhrase() : "Error";
        String detail = status >= 500 ? "The server could not complete the request" : "The request is not valid HTTP";
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"type\":\"urn:shop:problem:%s\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\"}"
                    .formatted(slug, title, status, detail));
                response.finishResponse();
            }
        }
        catch (IOException | IllegalStateException e) {
            // The connection is gone: nothing left to tell.
        }
    }
}
